/** Publishing: the in-process CDI event that every publication goes through. */
package org.ssehub.publish;
