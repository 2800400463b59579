package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
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
 * Where a JVM's threads spent their CPU: the Java threads while a load ran, from a JFR
 * recording ({@code settings=profile}, started and stopped with {@code jcmd}) and its
 * execution samples; or a start-up's main thread, from async-profiler attached at launch.
 * Each sample is its stack, the top frame first.
 */
final class Profile {

	private static final String SAMPLE = "jdk.ExecutionSample";

	private static final String LAUNCHER_MAIN = "org.springframework.boot.loader.launch.JarLauncher.main";

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
	 * The JVM flag that attaches async-profiler (Maven Central's
	 * {@code tools.profiler:async-profiler}, its Linux x86-64 agent) at launch: a sample for
	 * each millisecond of CPU a thread uses, with its Java, JVM and native frames alike
	 * (loading, linking and interpreting classes, which JFR's Java samples leave out),
	 * written as collapsed stacks when the JVM exits; {@link #mainThread} reads them.
	 * @param folder where the agent's library is put
	 * @param output where the stacks go
	 * @return the flag
	 * @throws IllegalStateException on a machine the agent is not built for
	 */
	static String fromLaunchEveryMillisecond(Path folder, Path output) {
		String platform = System.getProperty("os.name") + " " + System.getProperty("os.arch");
		if (!platform.equals("Linux amd64")) {
			throw new IllegalStateException("async-profiler's agent here is built for Linux on x86-64, not " + platform);
		}
		Path library = folder.resolve("libasyncProfiler.so");
		try (InputStream agent = Profile.class.getResourceAsStream("/linux-x64/libasyncProfiler.so")) {
			if (agent == null) {
				throw new IllegalStateException("async-profiler's agent (tools.profiler:async-profiler, classifier "
						+ "linux-x64) is not on the classpath");
			}
			Files.createDirectories(folder);
			Files.copy(agent, library, StandardCopyOption.REPLACE_EXISTING);
			Files.createDirectories(output.getParent());
			Files.deleteIfExists(output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not put async-profiler's agent in " + folder, ex);
		}
		return "-agentpath:" + library + "=start,event=cpu,interval=1ms,threads,collapsed,file=" + output;
	}

	/**
	 * The samples of the thread that ran the launcher's {@code main}, from the collapsed
	 * stacks {@link #fromLaunchEveryMillisecond} had written: each line is a thread, then
	 * its stack from the root, and a count.
	 * @param file the stacks
	 * @return the main thread's samples, one a millisecond of its CPU time
	 * @throws IOException if the file cannot be read
	 */
	static Profile mainThread(Path file) throws IOException {
		Map<String, List<List<String>>> byThread = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file)) {
			int count = line.lastIndexOf(' ');
			if (count < 0) {
				continue;
			}
			List<String> frames = new ArrayList<>(List.of(line.substring(0, count).split(";")));
			String thread = frames.remove(0);
			Collections.reverse(frames);
			List<String> stack = frames.stream().map((frame) -> frame.replace('/', '.')).toList();
			byThread.computeIfAbsent(thread, (name) -> new ArrayList<>())
				.addAll(Collections.nCopies(Integer.parseInt(line.substring(count + 1)), stack));
		}
		return byThread.values()
			.stream()
			.filter((stacks) -> stacks.stream().anyMatch((stack) -> stack.contains(LAUNCHER_MAIN)))
			.findFirst()
			.map(Profile::new)
			.orElseThrow(() -> new IOException(file + " has no thread that ran " + LAUNCHER_MAIN));
	}

	private static Profile read(Path file) throws IOException {
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
	 * strategy's {@code flyway.migrate()} (which Spring Boot calls without the starter), the
	 * guarded pool's {@code super.getConnection()} (Hikari's own).
	 * @param prefix the start of a class name, e.g. {@code dev.litefs.spring.}
	 * @return 0 to 1
	 */
	double share(String prefix) {
		return fraction((stack) -> inOwnCode(stack, prefix));
	}

	/**
	 * Where the samples {@link #share} counts entered this package's code: the outermost
	 * of its frames on each stack.
	 * @param prefix the start of a class name, e.g. {@code dev.litefs.spring.}
	 * @return each entry's method and its samples, the most first
	 */
	Map<String, Long> entries(String prefix) {
		return this.stacks.stream()
			.filter((stack) -> inOwnCode(stack, prefix))
			.collect(Collectors.groupingBy((stack) -> stack.get(lastIndexOf(stack, prefix)), Collectors.counting()))
			.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
	}

	private static boolean inOwnCode(List<String> stack, String prefix) {
		for (String method : stack) {
			if (method.startsWith(prefix)) {
				return true;
			}
			if (passesOn(method)) {
				return false;
			}
		}
		return false;
	}

	private static int lastIndexOf(List<String> stack, String prefix) {
		for (int i = stack.size() - 1; i >= 0; i--) {
			if (stack.get(i).startsWith(prefix)) {
				return i;
			}
		}
		throw new IllegalArgumentException("No frame starts with " + prefix);
	}

	/** A frame through which a filter, an advice or a strategy hands over to what it wraps. */
	private static boolean passesOn(String method) {
		return method.endsWith("FilterChain.doFilter") || method.endsWith("MethodInvocation.proceed")
				|| method.equals("org.flywaydb.core.Flyway.migrate")
				|| method.equals("com.zaxxer.hikari.HikariDataSource.getConnection");
	}

	/**
	 * How many samples have this method on their stack.
	 * @param method a class's name and the method's, e.g.
	 * {@code org.springframework.context.annotation.ConditionEvaluator.shouldSkip}
	 * @return the count
	 */
	long samplesIn(String method) {
		return this.stacks.stream().filter((stack) -> stack.contains(method)).count();
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
		Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
		try {
			String output = new String(jcmd.getInputStream().readAllBytes());
			if (jcmd.waitFor() != 0) {
				throw new IOException(String.join(" ", line) + " failed: " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted", ex);
		}
	}

}
