package dev.litefs.spring.internal;

import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Walks the chain of causes of a failure ({@link Throwable#getCause()}), the failure
 * itself first, and stops at the end of the chain or where it loops back on itself.
 *
 * @since 0.4.0
 */
public final class CauseChain {

	private CauseChain() {
	}

	/**
	 * The first cause of a type, the failure itself included.
	 * @param <T> the type
	 * @param ex the failure, wrapped any number of times
	 * @param type the type
	 * @return the cause, or {@code null} when none is of that type
	 */
	public static <T extends Throwable> @Nullable T find(Throwable ex, Class<T> type) {
		Throwable found = find(ex, type::isInstance);
		return (found != null) ? type.cast(found) : null;
	}

	/**
	 * The first cause that passes a test, the failure itself included. A chain that loops
	 * back (a cause whose cause is an earlier one) is walked once.
	 * @param ex the failure, wrapped any number of times
	 * @param test the test
	 * @return the cause, or {@code null} when none passes
	 */
	public static @Nullable Throwable find(Throwable ex, Predicate<Throwable> test) {
		// Floyd's cycle check: 'seen' moves at half the speed, so that a loop is found
		// without remembering every cause.
		Throwable seen = ex;
		boolean move = false;
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (test.test(cause)) {
				return cause;
			}
			if (move) {
				seen = seen.getCause();
			}
			move = !move;
			if (cause.getCause() == seen) {
				break;
			}
		}
		return null;
	}

}
