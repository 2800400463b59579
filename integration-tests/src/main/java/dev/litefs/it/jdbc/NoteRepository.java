package dev.litefs.it.jdbc;

import java.util.List;

import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

interface NoteRepository extends ListCrudRepository<Note, Long> {

	List<Note> findAllByOrderByIdDesc();

	long countByTitle(String title);

	@Modifying
	@Query("update notes set views = views + 1 where id = :id")
	void countView(long id);

}
