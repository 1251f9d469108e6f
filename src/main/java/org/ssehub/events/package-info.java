/** Subscribing: the event-stream resource and the subscriber with its queue. */
package org.ssehub.events;
