package dev.autoconvert.cli.pipeline;

/**
 * How far a conversion has got, across every platform it converts.
 *
 * @param layersDone layers converted or taken from the cache
 * @param layersTotal layers of every selected manifest
 * @param bytesIn source layer bytes read
 * @param bytesOut Nydus blob bytes produced
 */
public record Progress(int layersDone, int layersTotal, long bytesIn, long bytesOut) {}
