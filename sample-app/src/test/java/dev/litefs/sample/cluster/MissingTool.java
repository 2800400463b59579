package dev.litefs.sample.cluster;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a test does when a program it runs is not on this machine: skips, or with
 * {@code CI} set, where {@code .ci/run} could have installed it, fails.
 */
final class MissingTool {

	private MissingTool() {
	}

	/**
	 * Skips the test, or fails it in CI when CI could have installed what is missing.
	 * @param message what is missing and how to install it
	 * @param installable whether {@code .ci/run} installs it on this machine
	 */
	static void skipOrFail(String message, boolean installable) {
		if (installable && System.getenv("CI") != null) {
			fail(message);
		}
		Assumptions.abort(message);
	}

}
