/**
 * Spring tests of an application on LiteFS: {@link
 * dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs}, the mount to change while a
 * test runs, and assertions on what routing and consistency did.
 */
@NullMarked
package dev.litefs.spring.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
