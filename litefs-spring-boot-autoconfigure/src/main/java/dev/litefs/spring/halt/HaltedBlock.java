package dev.litefs.spring.halt;

import org.jspecify.annotations.Nullable;

/**
 * Work run under LiteFS's HALT lock by {@link LiteFsHalt#call(HaltedBlock)}.
 *
 * @param <T> what it returns
 * @param <E> what it may throw
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface HaltedBlock<T extends @Nullable Object, E extends Throwable> {

	/**
	 * Does the work: writes to the database as on a primary.
	 * @return the result
	 * @throws E whatever the work throws; the lock is released all the same
	 */
	T run() throws E;

}
