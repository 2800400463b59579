package dev.litefs.spring.testapp;

/**
 * The messages of an exception and all its causes, for asserting what a failed startup
 * told the user.
 */
public final class ExceptionText {

	private ExceptionText() {
	}

	public static String of(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			text.append(ex.getMessage()).append('\n');
		}
		return text.toString();
	}

}
