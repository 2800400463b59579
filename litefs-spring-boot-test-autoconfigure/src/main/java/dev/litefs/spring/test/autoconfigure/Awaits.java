package dev.litefs.spring.test.autoconfigure;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition every 10 ms, for the kit's bounded waits. */
final class Awaits {

	private Awaits() {
	}

	/**
	 * Waits until a condition holds.
	 * @param timeout the longest wait
	 * @param done the condition
	 * @return whether it held within the timeout
	 */
	static boolean until(Duration timeout, BooleanSupplier done) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!done.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return done.getAsBoolean();
			}
		}
		return true;
	}

}
