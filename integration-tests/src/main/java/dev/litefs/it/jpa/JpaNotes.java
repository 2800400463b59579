package dev.litefs.it.jpa;

import java.util.List;
import java.util.Optional;

import dev.litefs.it.web.NoteView;
import dev.litefs.it.web.Notes;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
@Transactional(readOnly = true)
class JpaNotes implements Notes {

	private final NoteRepository repository;

	JpaNotes(NoteRepository repository) {
		this.repository = repository;
	}

	@Override
	public List<NoteView> list() {
		return this.repository.findAllByOrderByIdDesc().stream().map(Note::view).toList();
	}

	@Override
	public Optional<NoteView> find(long id) {
		return this.repository.findById(id).map(Note::view);
	}

	@Override
	public long countTitled(String title) {
		return this.repository.countByTitle(title);
	}

	@Override
	@Transactional
	public long create(String title) {
		return this.repository.save(new Note(title)).id();
	}

	@Override
	@Transactional
	public long countView(long id) {
		// Hibernate flushes the change at commit, where a replica's SQLite refuses it
		return this.repository.findById(id).orElseThrow().countView();
	}

}
