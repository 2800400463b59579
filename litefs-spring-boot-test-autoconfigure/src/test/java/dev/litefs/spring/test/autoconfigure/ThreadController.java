package dev.litefs.spring.test.autoconfigure;

import java.lang.reflect.InvocationTargetException;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Which kind of thread serves a request: {@code virtual} or {@code platform}. */
@RestController
class ThreadController {

	@GetMapping("/thread")
	String thread() {
		return isVirtual(Thread.currentThread()) ? "virtual" : "platform";
	}

	/**
	 * {@code Thread.isVirtual()}, which the code cannot call directly: it compiles for
	 * Java 17, where virtual threads do not exist.
	 * @param thread a thread
	 * @return whether it is virtual; {@code false} before Java 21
	 */
	static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
