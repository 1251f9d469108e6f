/** Whether the node works, and whether it should get new streams. */
package org.ssehub.health;
