package dev.litefs.it.jpa;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface NoteRepository extends JpaRepository<Note, Long> {

	List<Note> findAllByOrderByIdDesc();

	long countByTitle(String title);

}
