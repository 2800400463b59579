package dev.litefs.it.jdbc;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

import dev.litefs.it.web.NoteView;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

@Table("notes")
record Note(@Id Long id, String title, LocalDateTime createdAt, long views) {

	static Note titled(String title) {
		return new Note(null, title, LocalDateTime.now(ZoneOffset.UTC).withNano(0), 0);
	}

	NoteView view() {
		return new NoteView(this.id, this.title, this.createdAt, this.views);
	}

}
