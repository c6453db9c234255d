/// <summary>
/// Limited-memory BFGS (Nocedal and Wright, "Numerical Optimization", algorithm 7.4 with the two-loop recursion 7.5)
/// with a backtracking Armijo line search. Starts from zero; deterministic. Enough for a smooth convex loss such as
/// L2-regularised logistic regression.
/// </summary>
internal static class Lbfgs
{
    /// <summary>The loss at x; writes its gradient into the second array.</summary>
    public delegate double Objective(double[] x, double[] gradient);

    private const int Memory = 10;

    public static double[] Minimise(int dimensions, Objective f, int iterations, double tolerance = 1e-6)
    {
        var x = new double[dimensions];
        var g = new double[dimensions];
        double loss = f(x, g);
        var s = new double[Memory][];
        var y = new double[Memory][];
        var rho = new double[Memory];
        var alpha = new double[Memory];
        var direction = new double[dimensions];
        var nextX = new double[dimensions];
        var nextG = new double[dimensions];
        int stored = 0;
        for (int iteration = 0; iteration < iterations && Norm(g) > tolerance; iteration++)
        {
            // Two-loop recursion: direction = -H·g from the last pairs (s, y).
            Array.Copy(g, direction, dimensions);
            for (int k = stored - 1; k >= 0; k--)
            {
                int slot = (iteration - stored + k) % Memory;
                alpha[slot] = rho[slot] * Dot(s[slot], direction);
                Axpy(-alpha[slot], y[slot], direction);
            }

            if (stored > 0)
            {
                int last = (iteration - 1) % Memory;
                Scale(Dot(s[last], y[last]) / Dot(y[last], y[last]), direction);
            }

            for (int k = 0; k < stored; k++)
            {
                int slot = (iteration - stored + k) % Memory;
                double beta = rho[slot] * Dot(y[slot], direction);
                Axpy(alpha[slot] - beta, s[slot], direction);
            }

            Scale(-1, direction);
            double slope = Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                Array.Copy(g, direction, dimensions);
                Scale(-1, direction);
                slope = Dot(g, direction);
                stored = 0;
            }

            // Backtracking line search; the first iteration takes a short step, since the scale of H is unknown yet.
            double step = stored == 0 ? 1 / Math.Max(1, Norm(g)) : 1;
            double nextLoss;
            while (true)
            {
                for (int j = 0; j < dimensions; j++)
                {
                    nextX[j] = x[j] + (step * direction[j]);
                }

                nextLoss = f(nextX, nextG);
                if (nextLoss <= loss + (1e-4 * step * slope) || step < 1e-12)
                {
                    break;
                }

                step /= 2;
            }

            int current = iteration % Memory;
            s[current] ??= new double[dimensions];
            y[current] ??= new double[dimensions];
            for (int j = 0; j < dimensions; j++)
            {
                s[current][j] = nextX[j] - x[j];
                y[current][j] = nextG[j] - g[j];
            }

            double sy = Dot(s[current], y[current]);
            (x, nextX) = (nextX, x);
            (g, nextG) = (nextG, g);
            bool converged = Math.Abs(loss - nextLoss) < tolerance * Math.Max(1, Math.Abs(loss));
            loss = nextLoss;
            if (sy <= 1e-12)
            {
                stored = 0; // curvature condition failed: forget the history
                continue;
            }

            rho[current] = 1 / sy;
            stored = Math.Min(stored + 1, Memory);
            if (converged)
            {
                break;
            }
        }

        return x;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    private static void Scale(double a, double[] x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= a;
        }
    }
}
