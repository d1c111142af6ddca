package io.vroute.vpc;
