package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The JUnit 5 extension behind {@link RealLiteFs}: decides whether real-LiteFS tests can
 * run here, and lists each one that ran in {@code target/real-litefs-tests/<class>.txt}.
 * <table>
 * <caption>What it decides</caption>
 * <tr><th>machine</th><th>outside CI</th><th>{@code CI=true}</th></tr>
 * <tr><td>no {@code /dev/fuse}</td><td>skipped</td><td>skipped, with the line
 * {@code real LiteFS tests skipped: no /dev/fuse}</td></tr>
 * <tr><td>no {@code litefs} binary, or no {@code fusermount3}</td><td>skipped</td><td>failed
 * when Go is present (the install script builds LiteFS with it), else skipped</td></tr>
 * </table>
 *
 * @since 0.2.0
 */
public final class RealLiteFsCondition implements ExecutionCondition, TestWatcher {

	private static final String ENABLE = "run scripts/install-litefs.sh (it builds LiteFS " + LiteFsBinary.VERSION
			+ " with Go and installs fuse3), or set LITEFS_BIN";

	private static final AtomicBoolean said = new AtomicBoolean();

	private static final Set<String> reportsStarted = ConcurrentHashMap.newKeySet();

	private static final Path REPORTS = Path.of("target", "real-litefs-tests");

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
		Optional<String> missing = missing();
		if (missing.isEmpty()) {
			return ConditionEvaluationResult.enabled("LiteFS and FUSE are here");
		}
		boolean fuseMissing = !Files.exists(Path.of("/dev/fuse"));
		if (ci && !fuseMissing && LiteFsBinary.onPath("go").isPresent()) {
			throw new ExtensionConfigurationException("CI=true and Go is present, but real LiteFS cannot run: "
					+ missing.get() + "; " + ENABLE);
		}
		String line = fuseMissing ? "real LiteFS tests skipped: no /dev/fuse"
				: "real LiteFS tests skipped: " + missing.get() + "; to run them, " + ENABLE;
		if (said.compareAndSet(false, true)) {
			System.out.println(line);
		}
		return ConditionEvaluationResult.disabled(line);
	}

	/**
	 * What this machine lacks to run LiteFS.
	 * @return the first thing missing, or empty when nothing is
	 */
	static Optional<String> missing() {
		if (!Files.exists(Path.of("/dev/fuse"))) {
			return Optional.of("no /dev/fuse");
		}
		if (LiteFsBinary.find().isEmpty()) {
			return Optional.of(missingBinaryMessage());
		}
		if (LiteFsBinary.onPath("fusermount3").isEmpty()) {
			return Optional.of("no fusermount3 on PATH (Debian's fuse3)");
		}
		return Optional.empty();
	}

	static String missingBinaryMessage() {
		String fromEnvironment = System.getenv("LITEFS_BIN");
		if (fromEnvironment != null && !fromEnvironment.isBlank()) {
			return "LITEFS_BIN=" + fromEnvironment + " is not an executable file";
		}
		return "no litefs binary (LITEFS_BIN unset, none in " + LiteFsBinary.cacheFolder() + ", none on PATH)";
	}

	@Override
	public void testSuccessful(ExtensionContext context) {
		record("passed", context);
	}

	@Override
	public void testFailed(ExtensionContext context, Throwable cause) {
		record("failed", context);
	}

	@Override
	public void testAborted(ExtensionContext context, Throwable cause) {
		record("aborted", context);
	}

	@Override
	public void testDisabled(ExtensionContext context, Optional<String> reason) {
		record("skipped", context);
	}

	private static synchronized void record(String outcome, ExtensionContext context) {
		if (!Files.isDirectory(REPORTS.getParent())) {
			return;
		}
		String testClass = context.getRequiredTestClass().getName();
		// a file per test class, started afresh by each run of the class
		StandardOpenOption mode = reportsStarted.add(testClass) ? StandardOpenOption.TRUNCATE_EXISTING
				: StandardOpenOption.APPEND;
		try {
			Files.createDirectories(REPORTS);
			Files.writeString(REPORTS.resolve(testClass + ".txt"),
					outcome + " " + testClass + "#" + context.getDisplayName() + "\n", StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
		}
		catch (IOException ex) {
			// the count is a report, not a result
		}
	}

}
