package dev.litefs.spring.node;

/**
 * The node's background threads: daemons, so that they never keep the JVM alive, and
 * holding the starter's class loader rather than that of whoever started them (a
 * request, in a web application).
 */
final class DaemonThreads {

	private DaemonThreads() {
	}

	static Thread newThread(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.setContextClassLoader(DaemonThreads.class.getClassLoader());
		return thread;
	}

}
