package dev.litefs.spring.test;

import java.lang.reflect.InvocationTargetException;

/**
 * Virtual threads for tests compiled for Java 17, where they do not exist: recognised and
 * made by reflection on Java 21 and later. Pair it with JUnit's
 * {@code @EnabledForJreRange(min = JRE.JAVA_21)} or an assumption on {@link #available()}.
 * <pre class="code">
 * assertThat(VirtualThreads.isVirtual(Thread.currentThread())).isTrue();
 * </pre>
 *
 * @since 0.2.0
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
	 * {@code thread.isVirtual()}.
	 * @param thread a thread
	 * @return whether it is a virtual thread; {@code false} before Java 21
	 */
	public static boolean isVirtual(Thread thread) {
		if (!available()) {
			return false;
		}
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("Cannot ask a thread whether it is virtual on Java " + Runtime.version(),
					ex);
		}
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
