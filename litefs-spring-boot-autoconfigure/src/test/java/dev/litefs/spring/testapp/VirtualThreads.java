package dev.litefs.spring.testapp;

import java.lang.reflect.InvocationTargetException;

/**
 * Virtual threads for tests that compile for Java 17, where they do not exist: made by
 * reflection on Java 21 and later.
 */
public final class VirtualThreads {

	private VirtualThreads() {
	}

	/**
	 * Whether this JVM has virtual threads.
	 * @return whether it runs Java 21 or later
	 */
	public static boolean available() {
		return Runtime.version().feature() >= 21;
	}

	/**
	 * A virtual thread, not started: {@code Thread.ofVirtual().unstarted(task)}.
	 * @param task what it runs
	 * @return the thread
	 * @throws IllegalStateException before Java 21
	 */
	public static Thread unstarted(Runnable task) {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			return (Thread) Class.forName("java.lang.Thread$Builder")
				.getMethod("unstarted", Runnable.class)
				.invoke(builder, task);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("No virtual threads on Java " + Runtime.version(), ex);
		}
	}

}
