package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The FUSE mounts the kernel lists in {@code /proc/self/mountinfo}, and their removal
 * with {@code fusermount3 -uz}: lazy, so it also works while a test's application still
 * holds files open on a mount whose LiteFS died.
 */
final class FuseMounts {

	private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

	private FuseMounts() {
	}

	/**
	 * The FUSE mount points at or below a folder.
	 * @param under the folder
	 * @return the mount points, deepest last
	 */
	static List<Path> under(Path under) {
		List<Path> found = new ArrayList<>();
		List<String> lines;
		try {
			lines = Files.readAllLines(MOUNTINFO);
		}
		catch (IOException ex) {
			return found;
		}
		Path prefix = under.toAbsolutePath().normalize();
		for (String line : lines) {
			// id parent major:minor root mount-point options [optional...] - fstype source super-options
			String[] fields = line.split(" ");
			int dash = List.of(fields).indexOf("-");
			if (fields.length > 4 && dash > 4 && dash + 1 < fields.length && fields[dash + 1].startsWith("fuse")) {
				Path mountPoint = Path.of(decode(fields[4]));
				if (mountPoint.startsWith(prefix)) {
					found.add(mountPoint);
				}
			}
		}
		return found;
	}

	static boolean isMounted(Path mountPoint) {
		return under(mountPoint).contains(mountPoint.toAbsolutePath().normalize());
	}

	/**
	 * Lifts every FUSE mount at or below a folder.
	 * @param under the folder
	 */
	static void unmountAll(Path under) {
		for (Path mountPoint : under(under)) {
			unmount(mountPoint);
		}
	}

	static void unmount(Path mountPoint) {
		try {
			Process process = new ProcessBuilder("fusermount3", "-uz", mountPoint.toString())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (IOException ex) {
			// no fusermount3: nothing more can be done from here; the next sweep tries again
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Mountinfo writes space, tab, newline and backslash as three octal digits. */
	private static String decode(String field) {
		StringBuilder out = new StringBuilder(field.length());
		int i = 0;
		while (i < field.length()) {
			if (field.charAt(i) == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
				out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
				i += 4;
			}
			else {
				out.append(field.charAt(i++));
			}
		}
		return out.toString();
	}

}
