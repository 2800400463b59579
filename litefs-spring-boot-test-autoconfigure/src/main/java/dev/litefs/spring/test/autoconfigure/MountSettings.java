package dev.litefs.spring.test.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs.Role;

import org.springframework.boot.convert.DurationStyle;

/**
 * What an {@link AutoConfigureLiteFs} asks for; equal settings share a cached context.
 *
 * @param role the role
 * @param hostname this node's hostname
 * @param primary the primary a replica names
 * @param txid the TXID
 * @param lag a replica's lag
 * @param database the database file name
 * @param virtualThreads whether the application runs on virtual threads
 */
record MountSettings(Role role, String hostname, String primary, long txid, Duration lag, String database,
		boolean virtualThreads) {

	static MountSettings of(AutoConfigureLiteFs annotation) {
		String hostname = annotation.hostname().isEmpty()
				? ((annotation.role() == Role.PRIMARY) ? "node-a" : "node-b") : annotation.hostname();
		Duration lag;
		try {
			lag = DurationStyle.detectAndParse(annotation.lag());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("@AutoConfigureLiteFs(lag = \"" + annotation.lag()
					+ "\") is no duration: write it as Spring Boot does, e.g. \"2s\" or \"150ms\"", ex);
		}
		if (annotation.txid() < 0) {
			throw new IllegalArgumentException(
					"@AutoConfigureLiteFs(txid = " + annotation.txid() + ") must be 0 or more");
		}
		return new MountSettings(annotation.role(), hostname, annotation.primary(), annotation.txid(), lag,
				annotation.database(), annotation.virtualThreads() || ClusterApplication.virtualThreadsRequested());
	}

	/**
	 * Makes a mount in a folder, or puts one back, in the state these settings describe.
	 * @param dir the folder
	 * @return the mount
	 */
	FakeLiteFsMount apply(Path dir) {
		FakeLiteFsMount mount = switch (this.role) {
			case PRIMARY -> FakeLiteFsMount.primary(dir).withDatabase(this.database).becomePrimary();
			case REPLICA -> FakeLiteFsMount.replicaOf(dir, this.primary).withDatabase(this.database).lag(this.lag);
			case DISCONNECTED -> FakeLiteFsMount.primary(dir).withDatabase(this.database).loseConnection();
		};
		return mount.txid(this.txid);
	}

}
