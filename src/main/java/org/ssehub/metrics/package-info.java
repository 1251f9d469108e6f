/** The hub's figures in Prometheus text format. */
package org.ssehub.metrics;
