/**
 * The Slipstream API, group {@code slipstream.dev}, version {@code v1alpha1}.
 *
 * <p>Types are plain data with public fields. Field initialisers repeat the schema defaults so that
 * the operator behaves the same whether or not the API server applied them.
 */
package dev.slipstream.api.v1alpha1;
