/** Topics: the registry that numbers publications and fans them out to subscribers. */
package org.ssehub.topics;
