/**
 * Property-based and stateful tests across modules. The tests live under src/test; this package
 * holds shared fixtures when there are any.
 */
package org.ibmodel.props;
