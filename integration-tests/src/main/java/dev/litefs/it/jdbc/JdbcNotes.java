package dev.litefs.it.jdbc;

import java.util.List;
import java.util.Optional;

import dev.litefs.it.web.NoteView;
import dev.litefs.it.web.Notes;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
@Transactional(readOnly = true)
class JdbcNotes implements Notes {

	private final NoteRepository repository;

	JdbcNotes(NoteRepository repository) {
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
		return this.repository.save(Note.titled(title)).id();
	}

	@Override
	@Transactional
	public long countView(long id) {
		this.repository.countView(id);
		return this.repository.findById(id).orElseThrow().views();
	}

}
