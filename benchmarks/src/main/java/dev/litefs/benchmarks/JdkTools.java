package dev.litefs.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** The JDK's own tools on the apps: {@code jcmd}, and JFR's recordings read back. */
final class JdkTools {

	private JdkTools() {
	}

	/**
	 * Runs {@code jcmd <pid> <command...>}, the jcmd of the JDK that runs the apps.
	 * @return its output
	 */
	static String jcmd(long pid, String... command) throws IOException, InterruptedException {
		String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
		List<String> line = new ArrayList<>(List.of(jcmd, Long.toString(pid)));
		line.addAll(List.of(command));
		Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (process.waitFor() != 0) {
			throw new IllegalStateException(line + ": " + output);
		}
		return output;
	}

	/** The {@code jdk.ExecutionSample} events of a recording that have a stack trace. */
	static List<RecordedEvent> executionSamples(Path recording) throws IOException {
		return RecordingFile.readAllEvents(recording)
			.stream()
			.filter((event) -> event.getEventType().getName().equals("jdk.ExecutionSample")
					&& event.getStackTrace() != null)
			.toList();
	}

}
