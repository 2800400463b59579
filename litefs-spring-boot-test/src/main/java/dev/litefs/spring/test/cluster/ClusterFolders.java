package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The clusters' folders under {@link LiteFsCluster#ROOT}: a new one for each cluster,
 * named after this JVM, their deletion, and the sweep of those that JVMs no longer running
 * left behind (their LiteFS processes killed, their mounts lifted, their folders deleted).
 */
final class ClusterFolders {

	private static final Pattern CLUSTER_FOLDER = Pattern.compile("cluster-(\\d+)-\\d+");

	private static final AtomicInteger sequence = new AtomicInteger();

	private ClusterFolders() {
	}

	/**
	 * Sweeps what dead JVMs left, then names a new cluster's folder (not made yet).
	 * @return {@code ROOT/cluster-<pid>-<n>}
	 */
	static Path next() {
		sweepStale();
		return LiteFsCluster.ROOT
			.resolve("cluster-" + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet());
	}

	/**
	 * Removes what clusters of JVMs that are no longer running left under
	 * {@link LiteFsCluster#ROOT}: their LiteFS processes, mounts and folders.
	 */
	static void sweepStale() {
		if (!Files.isDirectory(LiteFsCluster.ROOT)) {
			return;
		}
		try (Stream<Path> folders = Files.list(LiteFsCluster.ROOT)) {
			for (Path folder : folders.toList()) {
				Matcher matcher = CLUSTER_FOLDER.matcher(folder.getFileName().toString());
				if (matcher.matches() && !isAlive(Long.parseLong(matcher.group(1)))) {
					killProcessesUsing(folder);
					FuseMounts.unmountAll(folder);
					delete(folder);
				}
			}
		}
		catch (IOException ex) {
			// an unreadable root leaves nothing to sweep
		}
	}

	/**
	 * Deletes a folder and all it holds, leaving what cannot be deleted to the next sweep.
	 * @param folder the folder
	 */
	static void delete(Path folder) {
		if (!Files.exists(folder)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(folder)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// left for the next sweep
				}
			});
		}
		catch (IOException | UncheckedIOException ex) {
			// left for the next sweep
		}
	}

	private static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	private static void killProcessesUsing(Path folder) {
		String path = folder.toString();
		ProcessHandle.allProcesses()
			.filter((process) -> process.info().arguments().map((args) -> String.join(" ", args).contains(path)).orElse(false))
			.forEach((process) -> {
				process.destroyForcibly();
				process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally((ex) -> null).join();
			});
	}

}
