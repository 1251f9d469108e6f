/** Who may do what: the JWTs the hub accepts, who may read private topics, and the browser's session cookie. */
package org.ssehub.access;
