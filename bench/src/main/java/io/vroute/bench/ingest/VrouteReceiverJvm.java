package io.vroute.bench.ingest;
final class VrouteReceiverJvm { public static void main(String[] a) { System.out.println("error the rib module is not built yet"); } }
