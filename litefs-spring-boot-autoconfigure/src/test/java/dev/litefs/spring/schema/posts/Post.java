package dev.litefs.spring.schema.posts;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.context.annotation.Configuration;

/** The test application's {@code posts} as an entity, whose table Hibernate's ddl-auto creates. */
@Entity
@Table(name = "posts")
public class Post {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	Long id;

	@Column(nullable = false)
	String title;

	@Column(nullable = false)
	String node;

	/** Scans this package for entities. */
	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = Post.class)
	public static class Entities {

	}

}
