package dev.litefs.spring.node;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * {@code litefs.mount-dir} cannot be used: it is not set, or it is a file (or lies under
 * one), where LiteFS can never mount. Start-up reports it with what to change (a
 * {@code FailureAnalyzer} of the starter); {@link #getName()} names the property.
 *
 * @since 0.2.0
 */
public class MountDirException extends InvalidConfigurationPropertyValueException {

	/** The property this exception is about. */
	public static final String PROPERTY = "litefs.mount-dir";

	private final transient @Nullable Path file;

	private MountDirException(@Nullable Path mountDir, @Nullable Path file, String reason) {
		super(PROPERTY, mountDir, reason);
		this.file = file;
	}

	/**
	 * {@code litefs.mount-dir} is not set.
	 * @return the exception
	 */
	public static MountDirException notSet() {
		return new MountDirException(null, null, "Set it to LiteFS's FUSE directory ('fuse.dir' in litefs.yml), "
				+ "or to a plain directory to run as a standalone primary, or set litefs.enabled=false.");
	}

	/**
	 * {@code litefs.mount-dir} is a file, or lies under one.
	 * @param mountDir the value of {@code litefs.mount-dir}
	 * @param file the file: the mount directory itself or the first of its parents that
	 * exists
	 * @return the exception
	 */
	public static MountDirException notAFolder(Path mountDir, Path file) {
		return new MountDirException(mountDir, file, file + " is a file, not a folder, so LiteFS can never mount "
				+ "there. Set litefs.mount-dir to LiteFS's FUSE directory ('fuse.dir' in litefs.yml).");
	}

	/**
	 * The value of {@code litefs.mount-dir}, as set.
	 * @return the path, or {@code null} when it is not set
	 */
	public @Nullable Path getMountDir() {
		return (Path) getValue();
	}

	/**
	 * The file in the way of a folder.
	 * @return the mount directory itself or the first of its parents that exists, or
	 * {@code null} when {@code litefs.mount-dir} is not set
	 */
	public @Nullable Path getFile() {
		return this.file;
	}

}
