/**
 * Auto-configuration of the {@link dev.litefs.spring.node.LiteFsNode}, which every other
 * feature is configured after: the {@code litefs.*} properties of the node and the
 * {@code litefs.enabled} switch.
 */
@NullMarked
package dev.litefs.spring.node.autoconfigure;

import org.jspecify.annotations.NullMarked;
