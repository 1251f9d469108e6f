package org.ssehub.concurrency;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A task that runs {@code action} on each of its items, which several threads may share: each item is taken once.
 * When a run blocks on one item (a send to a client that stopped reading), {@link Writers} runs the same batch on
 * another thread, which carries on with the items left, so the others never wait behind the blocked one.
 */
public final class Batch<T> implements Runnable {

    private final List<T> items;
    private final Consumer<T> action;
    private final AtomicInteger next = new AtomicInteger();

    public Batch(List<T> items, Consumer<T> action) {
        this.items = items;
        this.action = action;
    }

    @Override
    public void run() {
        for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
            action.accept(items.get(i));
        }
    }

    boolean hasItemsLeft() {
        return next.get() < items.size();
    }
}
