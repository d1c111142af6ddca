package io.vroute.bench;
final class Placeholder {}
