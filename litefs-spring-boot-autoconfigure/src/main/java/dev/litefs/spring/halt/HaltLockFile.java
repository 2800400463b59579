package dev.litefs.spring.halt;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * One {@code <db>-lock} file of this process: the one channel to it that the process
 * holds, and the fair lock that lets one thread at a time hold LiteFS's HALT lock
 * through it. LiteFS drops the HALT lock on any close of {@code <db>-lock} by the
 * process, and the JVM refuses a second lock on the same bytes, so every bean of every
 * context in the JVM shares this one instance per file.
 */
final class HaltLockFile {

	/** The byte of {@code <db>-lock} whose write lock LiteFS takes as the HALT lock. */
	static final long HALT_BYTE = 72;

	private static final Map<Path, HaltLockFile> files = new ConcurrentHashMap<>();

	private final Path path;

	private final ReentrantLock holder = new ReentrantLock(true);

	// held while the lock is released or the channel closed, which the hold bound's watchdog does from
	// its own thread: a lock, not a monitor, because it is held across a call into LiteFS (releasing
	// the lock), which on Java 21 to 23 would pin a virtual thread to its carrier meanwhile
	private final ReentrantLock releasing = new ReentrantLock();

	// opened by the holder only; closed under releasing, as the lock is released
	private @Nullable FileChannel channel;

	// under releasing
	private @Nullable FileLock lock;

	private HaltLockFile(Path path) {
		this.path = path;
	}

	static HaltLockFile of(Path path) {
		return files.computeIfAbsent(path.toAbsolutePath().normalize(), HaltLockFile::new);
	}

	Path path() {
		return this.path;
	}

	boolean isHeldByCurrentThread() {
		return this.holder.isHeldByCurrentThread();
	}

	/**
	 * Waits to be this process's one holder.
	 * @param timeout the longest wait
	 * @return whether this thread is the holder now
	 * @throws InterruptedException when interrupted while waiting
	 */
	boolean enter(Duration timeout) throws InterruptedException {
		return this.holder.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** Lets the next waiting thread in; the HALT lock must have been released. */
	void exit() {
		this.holder.unlock();
	}

	/**
	 * Opens the process's channel to the file, unless it is open. Called by the holder
	 * only.
	 * @throws IOException when the file cannot be opened
	 */
	void open() throws IOException {
		if (this.channel == null || !this.channel.isOpen()) {
			this.channel = FileChannel.open(this.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
		}
	}

	/**
	 * Takes LiteFS's HALT lock: a blocking write lock on byte 72, which LiteFS grants
	 * once the primary has halted for this node, or refuses after about 10 s. Called by
	 * the holder only, after {@link #open()}.
	 * @throws IOException when LiteFS refuses it; the channel is closed then, and opened
	 * again by the next holder
	 */
	void lock() throws IOException {
		FileChannel open = this.channel;
		if (open == null) {
			throw new IllegalStateException(this.path + " is not open");
		}
		try {
			FileLock acquired = open.lock(HALT_BYTE, 1, false);
			this.releasing.lock();
			try {
				this.lock = acquired;
			}
			finally {
				this.releasing.unlock();
			}
		}
		catch (IOException | RuntimeException ex) {
			closeChannel();
			throw ex;
		}
	}

	/**
	 * Releases the HALT lock if it is held; any thread may call it (the hold bound's
	 * watchdog does), and a second call does nothing. The channel stays open: closing it
	 * is what another holder's lock would not survive.
	 */
	void release() {
		this.releasing.lock();
		try {
			FileLock held = this.lock;
			this.lock = null;
			if (held != null && held.isValid()) {
				try {
					held.release();
				}
				catch (IOException ex) {
					// LiteFS drops the lock with the channel: closing is a release too
					closeChannel();
				}
			}
		}
		finally {
			this.releasing.unlock();
		}
	}

	private void closeChannel() {
		this.releasing.lock();
		try {
			FileChannel open = this.channel;
			this.channel = null;
			if (open != null) {
				try {
					open.close();
				}
				catch (IOException ex) {
					// nothing is held through it any more
				}
			}
		}
		finally {
			this.releasing.unlock();
		}
	}

}
