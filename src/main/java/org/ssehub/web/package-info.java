/** HTTP concerns shared by all resources: CORS, security and streaming headers, problem+json errors. */
package org.ssehub.web;
