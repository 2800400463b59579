/**
 * The starter's configuration: {@code litefs.*} properties, the {@code litefs.enabled}
 * switch, and the auto-configuration of the node every feature is configured after.
 */
@NullMarked
package dev.litefs.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
