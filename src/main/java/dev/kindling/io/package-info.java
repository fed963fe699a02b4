/**
 * Reading and writing model files.
 *
 * <p>Two layers. The byte layer, independent of {@code dev.kindling.Tensor}:
 * {@link dev.kindling.io.SafetensorsFile} validates a safetensors file and maps its tensors'
 * bytes without copying, {@link dev.kindling.io.SafetensorsWriter} writes one atomically, and
 * {@link dev.kindling.io.TensorBytes} converts between those little-endian bytes and the Java
 * arrays each {@link dev.kindling.DType} is stored in. The tensor layer (state dicts) sits on top
 * and only pairs names and shapes with tensors.
 *
 * <p>Malformed files are {@link dev.kindling.KindlingException}s whose message starts with the
 * file's path; failures of the file system stay {@link java.io.IOException}s; wrong arguments
 * are {@link IllegalArgumentException}s.
 */
package dev.kindling.io;
