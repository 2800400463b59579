package dev.litefs.spring.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's table of mounts ({@code /proc/self/mountinfo} on Linux), asked whether a
 * directory is a LiteFS FUSE mount: file system type {@code fuse} or
 * {@code fuse.<subtype>}, mount source {@code litefs}.
 */
final class MountTable {

	private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

	private MountTable() {
	}

	static boolean isLiteFsMount(Path dir) {
		if (!Files.isReadable(MOUNTINFO)) {
			return false;
		}
		try {
			return isLiteFsMount(dir.toRealPath().toString(), Files.readAllLines(MOUNTINFO));
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Looks a mount point up in mountinfo lines: {@code id parent major:minor root
	 * mount-point options [optional fields] - fstype source super-options}.
	 */
	static boolean isLiteFsMount(String mountPoint, List<String> mountinfo) {
		for (String line : mountinfo) {
			String[] fields = line.split(" ");
			int separator = List.of(fields).indexOf("-");
			if (fields.length < 5 || separator < 0 || fields.length < separator + 3) {
				continue;
			}
			String fsType = fields[separator + 1];
			String source = fields[separator + 2];
			if (unescape(fields[4]).equals(mountPoint) && (fsType.equals("fuse") || fsType.startsWith("fuse."))
					&& source.equals("litefs")) {
				return true;
			}
		}
		return false;
	}

	/** Mountinfo writes space, tab, newline and backslash as octal escapes. */
	private static String unescape(String field) {
		StringBuilder out = new StringBuilder(field.length());
		for (int i = 0; i < field.length(); i++) {
			char c = field.charAt(i);
			if (c == '\\' && i + 3 < field.length()
					&& field.substring(i + 1, i + 4).chars().allMatch((d) -> d >= '0' && d <= '7')) {
				out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
				i += 3;
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
