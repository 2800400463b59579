package dev.litefs.spring.autoconfigure;

/**
 * The messages of an exception and all its causes, for asserting what a failed startup
 * told the user.
 */
final class ExceptionText {

	private ExceptionText() {
	}

	static String of(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			text.append(ex.getMessage()).append('\n');
		}
		return text.toString();
	}

}
