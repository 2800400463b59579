package dev.litefs.spring.node;

import java.nio.file.Path;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The {@link FailureAnalyzer} of an unusable {@code litefs.mount-dir}: what the value is,
 * where it points, and what to set instead. Ordered ahead of Spring Boot's analyzer of
 * any {@code InvalidConfigurationPropertyValueException}, which would only say to review
 * the property.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class MountDirFailureAnalyzer extends AbstractFailureAnalyzer<MountDirException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MountDirException cause) {
		Path mountDir = cause.getMountDir();
		Path file = cause.getFile();
		if (mountDir == null || file == null) {
			return new FailureAnalysis("""
					litefs.mount-dir is not set: the starter needs the folder in which LiteFS mounts the \
					database.""", """
					Set litefs.mount-dir (or the environment variable LITEFS_MOUNT_DIR) to:
					- the folder LiteFS mounts, 'fuse.dir' in litefs.yml (e.g. /litefs), to run on LiteFS;
					- or a plain folder, to run as a standalone primary without LiteFS (e.g. in development).
					Or set litefs.enabled=false to run without the starter's LiteFS support (then \
					spring.datasource.url must name the database).""", cause);
		}
		Path resolved = mountDir.toAbsolutePath();
		String where = file.equals(resolved) ? "that is a file" : "it lies under " + file + ", which is a file";
		return new FailureAnalysis("""
				litefs.mount-dir is '%s' (resolved to %s), and %s, not a folder: LiteFS can never \
				mount there.""".formatted(mountDir, resolved, where), """
				Set litefs.mount-dir to the folder LiteFS mounts, 'fuse.dir' in litefs.yml (e.g. /litefs); \
				a relative path is resolved against the working directory (%s).
				If %s is the folder you meant, move the file %s out of the way.
				Or set litefs.enabled=false to run without the starter's LiteFS support.""".formatted(
				Path.of("").toAbsolutePath(), resolved, file), cause);
	}

}
