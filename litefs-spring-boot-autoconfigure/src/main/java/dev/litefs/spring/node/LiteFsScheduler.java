package dev.litefs.spring.node;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The starter's one scheduler: all its background work runs here, on two daemon threads
 * named {@code litefs-scheduler-1} and {@code -2}, or, for a loop that blocks for good (the event
 * stream's read), on a thread of its own from the same factory ({@code litefs-events}).
 * Closed with the application context: its tasks are cancelled, running ones
 * interrupted, and {@link #close()} returns once every thread it made has ended.
 * <p>
 * A type of its own rather than a {@code TaskScheduler} bean, so that it never becomes
 * the scheduler of the application's {@code @Scheduled} methods (Spring Boot backs off
 * its own {@code taskScheduler} when any {@code TaskScheduler} bean exists). Its threads
 * are platform threads even with {@code spring.threads.virtual.enabled=true}: they read
 * files on a FUSE mount and a long-lived socket, and they are few; named platform
 * threads show in {@code /actuator/threaddump}, virtual ones do not.
 *
 * @since 0.2.0
 */
public final class LiteFsScheduler implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsScheduler.class);

	/**
	 * The scheduler's threads: the polls of the mount and the HALT watchdog are short; of
	 * the long tasks, a promotion's migration and a {@code @PrimaryBound} bean's start run
	 * on a primary one after the other (the beans start once the migration ended the write
	 * hold), so one long task at a time leaves the other thread to the short ones. The
	 * event stream, which blocks for good, has a thread of its own.
	 */
	static final int POOL_SIZE = 2;

	/** The longest {@link #close()} waits for the threads to end. */
	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final AtomicInteger count = new AtomicInteger();

	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	private final Set<Thread> loops = ConcurrentHashMap.newKeySet();

	/** Creates the scheduler; it makes its threads when its first tasks come. */
	public LiteFsScheduler() {
		this.scheduler.setPoolSize(POOL_SIZE);
		this.scheduler.setThreadFactory((task) -> newThread("litefs-scheduler-" + this.count.incrementAndGet(), task));
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler.setWaitForTasksToCompleteOnShutdown(false);
		this.scheduler.initialize();
	}

	/**
	 * Runs a task once, as soon as a thread is free.
	 * @param task the task
	 * @throws java.util.concurrent.RejectedExecutionException once closed
	 */
	public void execute(Runnable task) {
		this.scheduler.execute(task);
	}

	/**
	 * Runs a task once, after a delay.
	 * @param task the task
	 * @param delay how long from now
	 * @return its future, to cancel it
	 * @throws java.util.concurrent.RejectedExecutionException once closed
	 */
	public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		return this.scheduler.schedule(task, Instant.now().plus(delay));
	}

	/**
	 * Runs a task again and again, each run a delay after the last one ended. A run that
	 * throws is logged and does not end the schedule.
	 * @param task the task
	 * @param initialDelay how long from now the first run starts
	 * @param delay the pause between two runs
	 * @return its future, to cancel it
	 * @throws java.util.concurrent.RejectedExecutionException once closed
	 */
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay) {
		return this.scheduler.scheduleWithFixedDelay(task, Instant.now().plus(initialDelay), delay);
	}

	/**
	 * Starts a loop that blocks for long (a stream's read) on a thread of its own, so that
	 * it never takes one of the scheduled tasks' threads. {@link #close()} interrupts it
	 * and waits for it to end: the loop must end when interrupted.
	 * @param name the thread's name, {@code litefs-...}
	 * @param loop the loop
	 * @return the started thread
	 */
	public Thread startLoop(String name, Runnable loop) {
		Thread thread = newThread(name, loop);
		this.loops.add(thread);
		thread.start();
		return thread;
	}

	/**
	 * Cancels the tasks, interrupts those running and the loops, and waits up to 10 s for
	 * every thread of the scheduler to end.
	 */
	@Override
	public void close() {
		this.scheduler.shutdown();
		this.loops.forEach(Thread::interrupt);
		long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
		for (Thread thread : this.threads) {
			try {
				TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (thread.isAlive()) {
				logger.warn("LiteFS thread {} did not end within {} of closing: {}", thread.getName(), CLOSE_TIMEOUT,
						thread.getState());
			}
		}
	}

	/**
	 * A daemon thread, so that it never keeps the JVM alive, holding the starter's class
	 * loader rather than that of whoever made it (a request, in a web application).
	 */
	private Thread newThread(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.setContextClassLoader(LiteFsScheduler.class.getClassLoader());
		// kept until it ended, for close() to wait for
		this.threads.removeIf((made) -> made.getState() == Thread.State.TERMINATED);
		this.loops.removeIf((made) -> made.getState() == Thread.State.TERMINATED);
		this.threads.add(thread);
		return thread;
	}

}
