package dev.litefs.spring.node;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MountTableTests {

	private static final List<String> MOUNTINFO = List.of(
			"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw",
			"98 22 0:45 / /litefs rw,nosuid,nodev,relatime shared:50 - fuse litefs rw,user_id=0,group_id=0",
			"99 22 0:46 / /mnt/with\\040space rw,relatime - fuse.litefs litefs rw,user_id=0,group_id=0",
			"100 22 0:47 / /mnt/other-fuse rw,relatime - fuse sshfs rw,user_id=0,group_id=0",
			"101 22 0:48 / /mnt/tagged rw,relatime shared:7 master:1 - fuse litefs rw");

	@Test
	void findsALiteFsFuseMount() {
		assertThat(MountTable.isLiteFsMount("/litefs", MOUNTINFO)).isTrue();
	}

	@Test
	void decodesEscapedMountPointsAndSubtypes() {
		assertThat(MountTable.isLiteFsMount("/mnt/with space", MOUNTINFO)).isTrue();
	}

	@Test
	void skipsOptionalFields() {
		assertThat(MountTable.isLiteFsMount("/mnt/tagged", MOUNTINFO)).isTrue();
	}

	@Test
	void otherFileSystemsAreNotLiteFs() {
		assertThat(MountTable.isLiteFsMount("/", MOUNTINFO)).isFalse();
		assertThat(MountTable.isLiteFsMount("/mnt/other-fuse", MOUNTINFO)).isFalse();
		assertThat(MountTable.isLiteFsMount("/litefs/sub", MOUNTINFO)).isFalse();
	}

	@Test
	void ignoresGarbledLines() {
		assertThat(MountTable.isLiteFsMount("/litefs", List.of("", "garbled", "1 2 3 4 /litefs - fuse"))).isFalse();
	}

}
