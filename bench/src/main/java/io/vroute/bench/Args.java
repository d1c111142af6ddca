package io.vroute.bench;

/** Command-line parsing the benchmarks share: an option's value and whole numbers, with messages naming the tool. */
public final class Args {
    private Args() {}

    /** {@code args[i]}, the value of {@code option}; {@code tool} (e.g. bin/bench-bfd) is named when it is missing. */
    public static String value(String[] args, int i, String option, String tool) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value: see " + tool + " --help");
        return args[i];
    }

    /** A whole number of at least 1 ({@code _} allowed as a digit separator). */
    public static int positive(String option, String v) {
        int n;
        try {
            n = Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, not '" + v + "'");
        }
        if (n < 1) throw new IllegalArgumentException(option + " must be at least 1, not " + n);
        return n;
    }
}
