package dev.litefs.spring.node;

import java.nio.file.Path;

/**
 * A LiteFS file that cannot be read, or whose content is not in the format LiteFS writes.
 *
 * @since 0.2.0
 */
public class LiteFsFileException extends RuntimeException {

	private final transient Path file;

	private final String reason;

	/**
	 * Creates an exception for a file and the reason it was refused.
	 * @param file the file
	 * @param reason what is wrong with it
	 */
	public LiteFsFileException(Path file, String reason) {
		super(file + ": " + reason);
		this.file = file;
		this.reason = reason;
	}

	/**
	 * The malformed file.
	 * @return its path
	 */
	public Path getFile() {
		return this.file;
	}

	/**
	 * What is wrong with the file's content.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
