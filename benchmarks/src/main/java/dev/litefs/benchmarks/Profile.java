package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM's Java threads spent their CPU while a load ran: a JFR recording
 * ({@code settings=profile}, started and stopped with {@code jcmd}) and its execution
 * samples, by the frame on top of each.
 */
final class Profile {

	private static final String SAMPLE = "jdk.ExecutionSample";

	private final List<List<String>> stacks;

	private Profile(List<List<String>> stacks) {
		this.stacks = stacks;
	}

	/**
	 * Records a JVM while the load runs.
	 * @param pid the JVM
	 * @param file where the recording goes
	 * @param load what to run meanwhile
	 * @return the samples
	 */
	static Profile record(long pid, Path file, Runnable load) {
		try {
			Files.createDirectories(file.getParent());
			jcmd(pid, "JFR.start", "name=benchmark", "settings=profile");
			load.run();
			jcmd(pid, "JFR.stop", "name=benchmark", "filename=" + file);
			return read(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not profile process " + pid, ex);
		}
	}

	/**
	 * The JVM flags that record a JVM from its launch on with a Java sample every
	 * millisecond (JFR's {@code method-profiling=max}, made by {@code jfr configure}) and
	 * whole stacks: a start-up's bean creation nests deeper than JFR's 64 frames.
	 * {@link #stop} ends the recording.
	 * @param folder where the settings file goes
	 * @return the flags
	 */
	static List<String> fromLaunchEveryMillisecond(Path folder) {
		Path settings = folder.resolve("every-millisecond.jfc");
		try {
			Files.createDirectories(folder);
			run(List.of(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "configure",
					"method-profiling=max", "--output", settings.toString()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write JFR's settings", ex);
		}
		return List.of("-XX:FlightRecorderOptions=stackdepth=2048",
				"-XX:StartFlightRecording=name=benchmark,settings=" + settings);
	}

	/**
	 * Stops the recording {@link #fromLaunchEveryMillisecond} started.
	 * @param pid the JVM
	 * @param file where the recording goes
	 * @return the samples
	 */
	static Profile stop(long pid, Path file) {
		try {
			Files.createDirectories(file.getParent());
			jcmd(pid, "JFR.stop", "name=benchmark", "filename=" + file);
			return read(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not profile process " + pid, ex);
		}
	}

	static Profile read(Path file) throws IOException {
		List<List<String>> stacks = RecordingFile.readAllEvents(file)
			.stream()
			.filter((event) -> event.getEventType().getName().equals(SAMPLE))
			.map(RecordedEvent::getStackTrace)
			.filter((stack) -> stack != null && !stack.getFrames().isEmpty())
			.map(Profile::methods)
			.toList();
		return new Profile(stacks);
	}

	/**
	 * The share of the samples spent in this package's code and what it calls, but not in
	 * what it passes on: a filter's {@code chain.doFilter}, an advice's
	 * {@code invocation.proceed()} (the request, or the method, it wraps), the Flyway
	 * strategy's {@code flyway.migrate()} (which Spring Boot calls without the starter).
	 * @param prefix the start of a class name, e.g. {@code dev.litefs.spring.}
	 * @return 0 to 1
	 */
	double share(String prefix) {
		return fraction((stack) -> {
			for (String method : stack) {
				if (method.startsWith(prefix)) {
					return true;
				}
				if (passesOn(method)) {
					return false;
				}
			}
			return false;
		});
	}

	/** A frame through which a filter, an advice or a strategy hands over to what it wraps. */
	private static boolean passesOn(String method) {
		return method.endsWith("FilterChain.doFilter") || method.endsWith("MethodInvocation.proceed")
				|| method.equals("org.flywaydb.core.Flyway.migrate");
	}

	/**
	 * The frames on top of the most samples.
	 * @param count how many
	 * @return each frame's method and its share of the samples, the largest first
	 */
	Map<String, Double> top(int count) {
		return this.stacks.stream()
			.collect(Collectors.groupingBy((stack) -> stack.get(0), Collectors.counting()))
			.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(count)
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> (double) entry.getValue() / this.stacks.size(),
					(a, b) -> a, LinkedHashMap::new));
	}

	/**
	 * How many execution samples the recording holds.
	 * @return the count
	 */
	int samples() {
		return this.stacks.size();
	}

	private double fraction(Predicate<List<String>> test) {
		return this.stacks.isEmpty() ? 0 : (double) this.stacks.stream().filter(test).count() / this.stacks.size();
	}

	private static List<String> methods(RecordedStackTrace stack) {
		return stack.getFrames()
			.stream()
			.map(RecordedFrame::getMethod)
			.map((method) -> method.getType().getName() + "." + method.getName())
			.toList();
	}

	private static void jcmd(long pid, String... command) throws IOException {
		List<String> line = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
		line.addAll(List.of(command));
		run(line);
	}

	private static void run(List<String> line) throws IOException {
		Process tool = new ProcessBuilder(line).redirectErrorStream(true).start();
		try {
			String output = new String(tool.getInputStream().readAllBytes());
			if (tool.waitFor() != 0) {
				throw new IOException(String.join(" ", line) + " failed: " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted", ex);
		}
	}

}
