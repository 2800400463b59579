package dev.litefs.it.jpa;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

import dev.litefs.it.web.NoteView;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "notes")
class Note {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	@Column(nullable = false)
	private String title;

	@Column(name = "created_at", nullable = false)
	private LocalDateTime createdAt;

	private long views;

	protected Note() {
	}

	Note(String title) {
		this.title = title;
		this.createdAt = LocalDateTime.now(ZoneOffset.UTC).withNano(0);
	}

	Long id() {
		return this.id;
	}

	long countView() {
		return ++this.views;
	}

	NoteView view() {
		return new NoteView(this.id, this.title, this.createdAt, this.views);
	}

}
