package dev.litefs.spring.testapp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/**
 * How many times each handler or service method body ran on this node: the side effect
 * tests assert to prove a method ran on the primary only.
 */
@Component
public class Calls {

	private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

	public void ran(String name) {
		this.counts.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
	}

	public int of(String name) {
		AtomicInteger count = this.counts.get(name);
		return (count != null) ? count.get() : 0;
	}

	public int total() {
		return this.counts.values().stream().mapToInt(AtomicInteger::get).sum();
	}

}
