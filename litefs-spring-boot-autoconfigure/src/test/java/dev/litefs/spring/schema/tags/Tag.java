package dev.litefs.spring.schema.tags;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.context.annotation.Configuration;

/** An entity a later version of the application adds. */
@Entity
@Table(name = "tags")
public class Tag {

	@Id
	String name;

	/** Scans this package for entities, besides the posts. */
	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = { Tag.class, dev.litefs.spring.schema.posts.Post.class })
	public static class Entities {

	}

}
