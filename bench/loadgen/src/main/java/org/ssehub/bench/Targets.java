package org.ssehub.bench;

import java.net.URI;
import java.util.List;

/**
 * Where subscriptions go and where events are published: one subscribe URL and one publish URL per node, in the same
 * order, each a template whose {@code {topic}} names one of {@code topics} topics. Subscriber k reads topic
 * {@code k % topics} on node {@code (k / topics) % nodes}; event seq is published to topic {@code seq % topics} on
 * node {@code seq % nodes}, so the nodes take turns and every topic has readers on every node.
 */
final class Targets {
    final int nodes;
    final int topics;
    private final List<String> subscribe;
    private final List<String> publish;
    private final String topic;

    Targets(List<String> subscribe, List<String> publish, String topic, int topics) {
        if (subscribe.isEmpty() || publish.isEmpty()) {
            throw new IllegalArgumentException("at least one --url and one --publish-url");
        }
        if (subscribe.size() != publish.size() && subscribe.size() > 1 && publish.size() > 1) {
            throw new IllegalArgumentException("give --url and --publish-url once per node, in the same order");
        }
        if (topics < 1) {
            throw new IllegalArgumentException("--topics must be at least 1");
        }
        if (topics > 1 && !(subscribe.stream().allMatch(u -> u.contains("{topic}"))
                && publish.stream().allMatch(u -> u.contains("{topic}")))) {
            throw new IllegalArgumentException("with --topics, every --url and --publish-url names {topic}");
        }
        this.subscribe = List.copyOf(subscribe);
        this.publish = List.copyOf(publish);
        this.topic = topic;
        this.topics = topics;
        this.nodes = Math.max(subscribe.size(), publish.size());
    }

    String topicName(int t) {
        return topics == 1 ? topic : topic + "-" + t;
    }

    URI subscribeUri(int node, int t) {
        return URI.create(subscribe.get(node % subscribe.size()).replace("{topic}", topicName(t)));
    }

    URI publishUri(int node, int t) {
        return URI.create(publish.get(node % publish.size()).replace("{topic}", topicName(t)));
    }

    int subscriberNode(long k) {
        return (int) ((k / topics) % nodes);
    }

    int subscriberTopic(long k) {
        return (int) (k % topics);
    }

    int eventNode(long seq) {
        return (int) (seq % nodes);
    }

    int eventTopic(long seq) {
        return (int) (seq % topics);
    }
}
