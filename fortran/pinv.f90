!> PINV: first-motion polarities to a double couple (Kanamori & Given 1983; the SEISAN
!> program coded by Suetsugu 1998), in two behaviours:
!>
!> * seisan: the original's numbers. Single precision; Golub & Reinsch (1970, Numer. Math.
!>   14, 403-420) SVD followed by the original's ordering loop (not a sort), tolerance
!>   1e-3 * s(1) and its pseudorank rule; cyclic Jacobi eigen step (Rutishauser's
!>   threshold variant) in double precision with a descending `>=` sort; one nodal plane
!>   from (T+P)/sqrt(2), folded as the original folds it; consistency count with the
!>   Aki & Richards P radiation.
!> * modern: double precision, LAPACK SVD in descending order with a relative cut-off,
!>   LAPACK symmetric eigen step, both nodal planes, the rank reported as it is.
!>
!> Unknowns x = (M22, M33, M12, M13, M23) of the moment tensor in (r, t, p) = (up, south,
!> east), M11 = -M22 - M33; one equation gamma.M.gamma = polarity per reading.
module pinv
  use kinds, only: sp, dp, ip
  implicit none
  private
  public :: pinv_design_sp, pinv_design_dp, svd_golub_reinsch_sp, seisan_order, &
            solve_seisan, solve_modern, jacobi_eigen, sort_descending, plane_from_axes, &
            p_radiation, consistency_count, other_plane, solve_polarities, fold_angles, &
            tensor_from_unknowns, MODE_SEISAN, MODE_MODERN, PINV_OK, PINV_JACOBI_NOT_CONVERGED, &
            PINV_EIGEN_FAILED, PINV_LAPACK_ARGUMENT

  integer(ip), parameter :: MODE_SEISAN = 0, MODE_MODERN = 1
  !> Status of solve_polarities: 0 ok; > 0 the SVD did not converge (the value it stopped
  !> at); the negative codes below.
  integer(ip), parameter :: PINV_OK = 0, PINV_JACOBI_NOT_CONVERGED = -1, &
                            PINV_EIGEN_FAILED = -2, PINV_LAPACK_ARGUMENT = -3
  real(dp), parameter :: pi_dp = 3.14159265358979323846_dp
  real(sp), parameter :: pi_sp = 3.14159265_sp

contains

  !> Design matrix in single precision, angles folded as the original folds them
  !> (take-off > 90: 180 - take-off, azimuth + 180).
  subroutine pinv_design_sp(polarity, takeoff_deg, azimuth_deg, g)
    real(sp), intent(in) :: polarity(:), takeoff_deg(:), azimuth_deg(:)
    real(sp), intent(out) :: g(:, :)
    integer :: j
    real(sp) :: ain, az, s, c, sf, cf, deg
    deg = pi_sp / 180.0_sp
    do j = 1, size(polarity)
      ain = takeoff_deg(j)
      az = azimuth_deg(j)
      if (ain > 90.0_sp) then
        ain = 180.0_sp - ain
        az = az + 180.0_sp
        if (az > 360.0_sp) az = az - 360.0_sp
      end if
      s = sin(ain * deg)
      c = cos(ain * deg)
      sf = sin(az * deg)
      cf = cos(az * deg)
      g(j, 1) = polarity(j) * (s * s * cf * cf - c * c)
      g(j, 2) = polarity(j) * (s * s * sf * sf - c * c)
      g(j, 3) = polarity(j) * (2.0_sp * s * c * cf)
      g(j, 4) = polarity(j) * (-2.0_sp * s * c * sf)
      g(j, 5) = polarity(j) * (-2.0_sp * s * s * sf * cf)
    end do
  end subroutine pinv_design_sp

  !> The same design matrix in double precision (no folding needed: the P radiation is
  !> even in the ray vector).
  subroutine pinv_design_dp(polarity, takeoff_deg, azimuth_deg, g)
    real(dp), intent(in) :: polarity(:), takeoff_deg(:), azimuth_deg(:)
    real(dp), intent(out) :: g(:, :)
    integer :: j
    real(dp) :: s, c, sf, cf, deg
    deg = pi_dp / 180.0_dp
    do j = 1, size(polarity)
      s = sin(takeoff_deg(j) * deg)
      c = cos(takeoff_deg(j) * deg)
      sf = sin(azimuth_deg(j) * deg)
      cf = cos(azimuth_deg(j) * deg)
      g(j, 1) = polarity(j) * (s * s * cf * cf - c * c)
      g(j, 2) = polarity(j) * (s * s * sf * sf - c * c)
      g(j, 3) = polarity(j) * (2.0_dp * s * c * cf)
      g(j, 4) = polarity(j) * (-2.0_dp * s * c * sf)
      g(j, 5) = polarity(j) * (-2.0_dp * s * s * sf * cf)
    end do
  end subroutine pinv_design_dp

  !> Golub & Reinsch (1970) singular value decomposition A = U diag(q) V^T in single
  !> precision, the procedure of the Handbook: Householder bidiagonalisation, accumulation
  !> of the right- then the left-hand transformations, implicit-shift QR sweeps from the
  !> last value down to the first, each value made non-negative when it converges. The
  !> values are left in the order the procedure produces (no sorting).
  !> u(mrow, n) holds A on entry (rows m+1..mrow must be zero: the original's arrays are
  !> larger than the data, and with fewer rows than columns it reads beyond them).
  !> With fewer rows than columns the bidiagonal form has exact zeros q(m+1..n); each is
  !> deflated by right-hand rotations before the QR sweeps reach it (see below), which
  !> leaves it in place as 0 and gives the original's order of the other values (measured:
  !> 1996-06-03 19:55, 4 rows: 2.6759, 0.063968, 4.1066e-05, 0.023736, 0). With m >= n the
  !> step never runs and the procedure is the textbook one.
  subroutine svd_golub_reinsch_sp(m, u, q, v, info)
    integer, intent(in) :: m
    real(sp), intent(inout) :: u(:, :)
    real(sp), intent(out) :: q(:), v(:, :)
    integer, intent(out) :: info
    integer :: n, i, j, k, l, l1, its
    real(sp) :: c, f, g, h, s, x, y, z, eps, tol
    real(sp), allocatable :: e(:)
    logical :: converged_split

    n = size(u, 2)
    allocate (e(n))
    eps = epsilon(1.0_sp)
    tol = tiny(1.0_sp) / eps
    info = 0
    g = 0.0_sp
    x = 0.0_sp
    l = 1
    ! Householder reduction to bidiagonal form
    do i = 1, n
      e(i) = g
      s = 0.0_sp
      l = i + 1
      do j = i, m
        s = s + u(j, i)**2
      end do
      if (s < tol) then
        g = 0.0_sp
      else
        f = u(i, i)
        g = merge(sqrt(s), -sqrt(s), f < 0.0_sp)
        h = f * g - s
        u(i, i) = f - g
        do j = l, n
          s = 0.0_sp
          do k = i, m
            s = s + u(k, i) * u(k, j)
          end do
          f = s / h
          do k = i, m
            u(k, j) = u(k, j) + f * u(k, i)
          end do
        end do
      end if
      q(i) = g
      s = 0.0_sp
      do j = l, n
        s = s + u(i, j)**2
      end do
      if (s < tol) then
        g = 0.0_sp
      else
        f = u(i, i + 1)
        g = merge(sqrt(s), -sqrt(s), f < 0.0_sp)
        h = f * g - s
        u(i, i + 1) = f - g
        do j = l, n
          e(j) = u(i, j) / h
        end do
        do j = l, m
          s = 0.0_sp
          do k = l, n
            s = s + u(j, k) * u(i, k)
          end do
          do k = l, n
            u(j, k) = u(j, k) + s * e(k)
          end do
        end do
      end if
      y = abs(q(i)) + abs(e(i))
      if (y > x) x = y
    end do
    ! accumulation of right-hand transformations
    do i = n, 1, -1
      if (g /= 0.0_sp) then
        h = u(i, i + 1) * g
        do j = l, n
          v(j, i) = u(i, j) / h
        end do
        do j = l, n
          s = 0.0_sp
          do k = l, n
            s = s + u(i, k) * v(k, j)
          end do
          do k = l, n
            v(k, j) = v(k, j) + s * v(k, i)
          end do
        end do
      end if
      do j = l, n
        v(i, j) = 0.0_sp
        v(j, i) = 0.0_sp
      end do
      v(i, i) = 1.0_sp
      g = e(i)
      l = i
    end do
    ! accumulation of left-hand transformations
    do i = n, 1, -1
      l = i + 1
      g = q(i)
      do j = l, n
        u(i, j) = 0.0_sp
      end do
      if (g /= 0.0_sp) then
        h = u(i, i) * g
        do j = l, n
          s = 0.0_sp
          do k = l, m
            s = s + u(k, i) * u(k, j)
          end do
          f = s / h
          do k = i, m
            u(k, j) = u(k, j) + f * u(k, i)
          end do
        end do
        do j = i, m
          u(j, i) = u(j, i) / g
        end do
      else
        do j = i, m
          u(j, i) = 0.0_sp
        end do
      end if
      u(i, i) = u(i, i) + 1.0_sp
    end do
    ! diagonalisation of the bidiagonal form
    eps = eps * x
    do k = n, 1, -1
      its = 0
      do
        ! a diagonal value that is exactly zero at the bottom (fewer rows than
        ! columns: q(m+1..n) = 0) is deflated first: its super-diagonal neighbour
        ! e(k) is rotated away from the right (columns i and k, i = k-1 down to 1),
        ! which chases the fill-in up column k. Without this step the QR sweeps
        ! move the zero value through the others (and can divide 0 by 0); with it
        ! the values come out in the order the original gives them.
        if (k > 1 .and. q(k) == 0.0_sp .and. e(k) /= 0.0_sp) then
          c = 0.0_sp
          s = -1.0_sp
          do i = k - 1, 1, -1
            f = -s * e(i + 1)
            e(i + 1) = c * e(i + 1)
            g = q(i)
            h = sqrt(f * f + g * g)
            if (h == 0.0_sp) then
              c = 1.0_sp
              s = 0.0_sp
            else
              c = g / h
              s = f / h
            end if
            q(i) = h
            do j = 1, n
              x = v(j, i)
              z = v(j, k)
              v(j, i) = x * c + z * s
              v(j, k) = -x * s + z * c
            end do
          end do
        end if
        ! test for splitting
        converged_split = .false.
        do l = k, 1, -1
          if (abs(e(l)) <= eps) then
            converged_split = .true.
            exit
          end if
          if (abs(q(l - 1)) <= eps) exit
        end do
        if (.not. converged_split) then
          ! cancellation of e(l)
          c = 0.0_sp
          s = 1.0_sp
          l1 = l - 1
          do i = l, k
            f = s * e(i)
            e(i) = c * e(i)
            if (abs(f) <= eps) exit
            g = q(i)
            h = sqrt(f * f + g * g)
            q(i) = h
            c = g / h
            s = -f / h
            do j = 1, m
              y = u(j, l1)
              z = u(j, i)
              u(j, l1) = y * c + z * s
              u(j, i) = -y * s + z * c
            end do
          end do
        end if
        ! test for convergence
        z = q(k)
        if (l == k) exit
        its = its + 1
        if (its > 60) then
          info = k
          exit
        end if
        ! shift from the bottom 2x2 minor
        x = q(l)
        y = q(k - 1)
        g = e(k - 1)
        h = e(k)
        f = ((y - z) * (y + z) + (g - h) * (g + h)) / (2.0_sp * h * y)
        g = sqrt(f * f + 1.0_sp)
        f = ((x - z) * (x + z) + h * (y / merge(f - g, f + g, f < 0.0_sp) - h)) / x
        ! next QR transformation
        c = 1.0_sp
        s = 1.0_sp
        do i = l + 1, k
          g = e(i)
          y = q(i)
          h = s * g
          g = c * g
          z = sqrt(f * f + h * h)
          e(i - 1) = z
          c = f / z
          s = h / z
          f = x * c + g * s
          g = -x * s + g * c
          h = y * s
          y = y * c
          do j = 1, n
            x = v(j, i - 1)
            z = v(j, i)
            v(j, i - 1) = x * c + z * s
            v(j, i) = -x * s + z * c
          end do
          z = sqrt(f * f + h * h)
          q(i - 1) = z
          c = f / z
          s = h / z
          f = c * g + s * y
          x = -s * g + c * y
          do j = 1, m
            y = u(j, i - 1)
            z = u(j, i)
            u(j, i - 1) = y * c + z * s
            u(j, i) = -y * s + z * c
          end do
        end do
        e(l) = 0.0_sp
        e(k) = f
        q(k) = x
      end do
      ! convergence: make the value non-negative
      if (z < 0.0_sp) then
        q(k) = -z
        do j = 1, n
          v(j, k) = -v(j, k)
        end do
      end if
    end do
  end subroutine svd_golub_reinsch_sp

  !> The original's ordering loop over s(1..5) (with the columns of U and V). It is not
  !> a descending sort: see ALGORITHMS.md section 1.
  subroutine seisan_order(s, u, v, nrow)
    real(sp), intent(inout) :: s(:), u(:, :), v(:, :)
    integer, intent(in) :: nrow
    integer :: k, l, ii, i
    real(sp) :: t
    real(sp), allocatable :: col(:)
    allocate (col(size(u, 1)))
    ! the loop starts at min(rows, 5): with one row a negative value stays first
    k = min(size(s), nrow)
    do
      l = 1
      ii = 1
      do i = 2, k
        if (s(i) > s(l)) then
          ii = i
        else
          l = i
        end if
      end do
      if (ii /= 1) then
        t = s(ii)
        s(ii) = s(1)
        s(1) = t
        col = u(:, ii)
        u(:, ii) = u(:, 1)
        u(:, 1) = col
        col = v(:, ii)
        v(:, ii) = v(:, 1)
        v(:, 1) = col
      end if
      k = ii - 1
      if (k < 2) exit
    end do
  end subroutine seisan_order

  !> Legacy solution: single-precision SVD, ordering loop, tau = 1e-3 s(1), pseudorank =
  !> leading values above tau in that order, x = V_k S_k^-1 U_k^T 1.
  subroutine solve_seisan(g, x, s_raw, s, tau, rank, info)
    real(sp), intent(in) :: g(:, :)
    real(sp), intent(out) :: x(5), s_raw(5), s(5), tau
    integer, intent(out) :: rank, info
    integer :: m, mrow, j, i
    real(sp), allocatable :: u(:, :)
    real(sp) :: v(5, 5), w
    m = size(g, 1)
    mrow = max(m, 5)
    allocate (u(mrow, 5))
    u = 0.0_sp
    u(1:m, :) = g
    if (m == 1) then
      call single_row(g(1, :), u, s, v)
      info = 0
    else
      call svd_golub_reinsch_sp(m, u, s, v, info)
    end if
    s_raw = s
    call seisan_order(s, u, v, m)
    tau = 1.0e-3_sp * s(1)
    rank = 0
    do j = 1, 5
      if (s(j) <= tau) exit
      rank = j
    end do
    x = 0.0_sp
    do j = 1, rank
      w = 0.0_sp
      do i = 1, m
        w = w + u(i, j)
      end do
      w = w / s(j)
      do i = 1, 5
        x(i) = x(i) + v(i, j) * w
      end do
    end do
  end subroutine solve_seisan

  !> What the original's SVD returns for a single reading (measured on the 11 one-reading
  !> reference runs; Golub-Reinsch with the zero-value deflation gives the row norm for all
  !> of them, the original does not): when the first element is larger in magnitude than
  !> the second, the value is that element itself, sign included (so it can be negative:
  !> tau < 0 and rank 0), with V(:, 1) = e1; otherwise it is the row norm with
  !> V(:, 1) = row / norm. (The 11 runs do not tell |a11| > |a12| from |a11| > |a12..a15|.)
  subroutine single_row(row, u, s, v)
    real(sp), intent(in) :: row(5)
    real(sp), intent(out) :: u(:, :), s(5), v(5, 5)
    real(sp) :: rest, total
    integer :: i
    u = 0.0_sp
    v = 0.0_sp
    s = 0.0_sp
    do i = 1, 5
      v(i, i) = 1.0_sp
    end do
    do i = 2, 5
      u(i, i) = 1.0_sp
    end do
    u(1, 1) = 1.0_sp
    rest = sqrt(sum(row(2:5)**2))
    if (abs(row(1)) > abs(row(2))) then
      s(1) = row(1)
    else
      total = sqrt(row(1)**2 + rest**2)
      s(1) = total
      v(:, 1) = row / total
    end if
  end subroutine single_row

  !> Modern solution: LAPACK SVD (descending), rank = values above rcond * s(1).
  subroutine solve_modern(g, rcond, x, s, tau, rank, info)
    real(dp), intent(in) :: g(:, :), rcond
    real(dp), intent(out) :: x(5), s(5), tau
    integer, intent(out) :: rank, info
    integer :: m, ns, j, lwork
    real(dp), allocatable :: a(:, :), u(:, :), work(:)
    real(dp) :: vt(5, 5), wq(1), w
    external :: dgesvd
    m = size(g, 1)
    ns = min(m, 5)
    allocate (a(m, 5), u(m, ns))
    a = g
    s = 0.0_dp
    call dgesvd('S', 'A', m, 5, a, m, s, u, m, vt, 5, wq, -1, info)
    lwork = int(wq(1))
    allocate (work(lwork))
    call dgesvd('S', 'A', m, 5, a, m, s, u, m, vt, 5, work, lwork, info)
    tau = rcond * s(1)
    rank = 0
    do j = 1, ns
      if (s(j) <= tau .or. s(j) <= 0.0_dp) exit
      rank = j
    end do
    x = 0.0_dp
    do j = 1, rank
      w = sum(u(:, j)) / s(j)
      x = x + vt(j, :) * w
    end do
  end subroutine solve_modern

  !> Cyclic Jacobi eigen-decomposition of a real symmetric matrix (Rutishauser's
  !> threshold variant): sweeps over the upper triangle; in the first three sweeps only
  !> elements above 0.2 S / n^2 are rotated (S the sum of off-diagonal magnitudes); after
  !> four sweeps elements negligible against both diagonal entries are set to zero; at
  !> most 50 sweeps. Eigenvectors are the columns of vec; converged = .false. otherwise.
  subroutine jacobi_eigen(a_in, d, vec, converged)
    real(dp), intent(in) :: a_in(:, :)
    real(dp), intent(out) :: d(:), vec(:, :)
    logical, intent(out) :: converged
    real(dp), allocatable :: a(:, :), b(:), z(:)
    integer :: n, i, j, p, q, sweep
    real(dp) :: sm, thresh, g, h, t, theta, c, s, tau
    n = size(d)
    allocate (a, source=a_in)
    allocate (b(n), z(n))
    vec = 0.0_dp
    do i = 1, n
      vec(i, i) = 1.0_dp
      b(i) = a(i, i)
      d(i) = b(i)
    end do
    z = 0.0_dp
    converged = .false.
    do sweep = 1, 50
      sm = 0.0_dp
      do p = 1, n - 1
        do q = p + 1, n
          sm = sm + abs(a(p, q))
        end do
      end do
      if (sm == 0.0_dp) then
        converged = .true.
        return
      end if
      if (sweep < 4) then
        thresh = 0.2_dp * sm / n**2
      else
        thresh = 0.0_dp
      end if
      do p = 1, n - 1
        do q = p + 1, n
          g = 100.0_dp * abs(a(p, q))
          if (sweep > 4 .and. abs(d(p)) + g == abs(d(p)) .and. abs(d(q)) + g == abs(d(q))) then
            a(p, q) = 0.0_dp
          else if (abs(a(p, q)) > thresh) then
            h = d(q) - d(p)
            if (abs(h) + g == abs(h)) then
              t = a(p, q) / h
            else
              theta = 0.5_dp * h / a(p, q)
              t = 1.0_dp / (abs(theta) + sqrt(1.0_dp + theta**2))
              if (theta < 0.0_dp) t = -t
            end if
            c = 1.0_dp / sqrt(1.0_dp + t**2)
            s = t * c
            tau = s / (1.0_dp + c)
            h = t * a(p, q)
            z(p) = z(p) - h
            z(q) = z(q) + h
            d(p) = d(p) - h
            d(q) = d(q) + h
            a(p, q) = 0.0_dp
            do j = 1, p - 1
              call rotate(a(j, p), a(j, q))
            end do
            do j = p + 1, q - 1
              call rotate(a(p, j), a(j, q))
            end do
            do j = q + 1, n
              call rotate(a(p, j), a(q, j))
            end do
            do j = 1, n
              call rotate(vec(j, p), vec(j, q))
            end do
          end if
        end do
      end do
      b = b + z
      d = b
      z = 0.0_dp
    end do
  contains
    subroutine rotate(x, y)
      real(dp), intent(inout) :: x, y
      real(dp) :: gx, hy
      gx = x
      hy = y
      x = gx - s * (hy + gx * tau)
      y = hy + s * (gx - hy * tau)
    end subroutine rotate
  end subroutine jacobi_eigen

  !> Selection sort into descending order with a `>=` comparison (ties move), columns of
  !> vec follow their values.
  subroutine sort_descending(d, vec)
    real(dp), intent(inout) :: d(:), vec(:, :)
    integer :: i, j, k, n
    real(dp) :: p
    real(dp), allocatable :: col(:)
    n = size(d)
    allocate (col(size(vec, 1)))
    do i = 1, n - 1
      k = i
      p = d(i)
      do j = i + 1, n
        if (d(j) >= p) then
          k = j
          p = d(j)
        end if
      end do
      if (k /= i) then
        d(k) = d(i)
        d(i) = p
        col = vec(:, i)
        vec(:, i) = vec(:, k)
        vec(:, k) = col
      end if
    end do
  end subroutine sort_descending

  !> Strike, dip, rake (deg, Aki & Richards) of the plane with normal n and slip s, both
  !> in (r, t, p). A normal pointing down is turned up (strike + 180, dip = 180 - dip,
  !> rake = -rake); strike in [0, 360), rake in (-180, 180].
  subroutine plane_from_axes(n, s, sdr)
    real(dp), intent(in) :: n(3), s(3)
    real(dp), intent(out) :: sdr(3)
    real(dp) :: strike, dip, rake, sin_rake, cos_rake, rad
    rad = 180.0_dp / pi_dp
    dip = acos(max(-1.0_dp, min(1.0_dp, n(1))))
    strike = atan2(n(2), n(3))
    ! rake from the strike direction (0, -cos strike, sin strike) and the up-dip
    ! direction in the plane
    cos_rake = -s(2) * cos(strike) + s(3) * sin(strike)
    ! up-dip component of the slip: s_r / sin(dip) (s is in the plane)
    if (sin(dip) > 0.0_dp) then
      sin_rake = s(1) / sin(dip)
    else
      sin_rake = -(s(2) * sin(strike) + s(3) * cos(strike)) * cos(dip)
    end if
    rake = atan2(sin_rake, cos_rake) * rad
    dip = dip * rad
    strike = strike * rad
    if (dip > 90.0_dp) then
      dip = 180.0_dp - dip
      strike = strike + 180.0_dp
      rake = 360.0_dp - rake
    end if
    if (rake > 180.0_dp) rake = rake - 360.0_dp
    if (rake <= -180.0_dp) rake = rake + 360.0_dp
    if (strike < 0.0_dp) strike = strike + 360.0_dp
    if (strike >= 360.0_dp) strike = strike - 360.0_dp
    sdr = [strike, dip, rake]
  end subroutine plane_from_axes

  !> The auxiliary plane of (strike, dip, rake) through the normal <-> slip exchange.
  subroutine other_plane(sdr, sdr2)
    real(dp), intent(in) :: sdr(3)
    real(dp), intent(out) :: sdr2(3)
    real(dp) :: n(3), s(3), f, d, l, deg
    deg = pi_dp / 180.0_dp
    f = sdr(1) * deg
    d = sdr(2) * deg
    l = sdr(3) * deg
    n = [cos(d), sin(d) * sin(f), sin(d) * cos(f)]
    s = [sin(l) * sin(d), -(cos(l) * cos(f) + sin(l) * cos(d) * sin(f)), &
         cos(l) * sin(f) - sin(l) * cos(d) * cos(f)]
    if (s(1) < 0.0_dp) then
      call plane_from_axes(-s, -n, sdr2)
    else
      call plane_from_axes(s, n, sdr2)
    end if
  end subroutine other_plane

  !> Aki & Richards P radiation of (strike, dip, rake) for take-off i and azimuth phi.
  elemental function p_radiation(strike, dip, rake, takeoff_deg, azimuth_deg) result(a)
    real(dp), intent(in) :: strike, dip, rake, takeoff_deg, azimuth_deg
    real(dp) :: a, r, d, i, az, deg
    deg = pi_dp / 180.0_dp
    r = rake * deg
    d = dip * deg
    i = takeoff_deg * deg
    az = (azimuth_deg - strike) * deg
    a = cos(r) * sin(d) * sin(i)**2 * sin(2 * az) - cos(r) * cos(d) * sin(2 * i) * cos(az) &
        + sin(r) * sin(2 * d) * (cos(i)**2 - sin(i)**2 * sin(az)**2) &
        + sin(r) * cos(2 * d) * sin(2 * i) * sin(az)
  end function p_radiation

  !> Readings whose polarity agrees (A p > 0) and disagrees (A p < 0) with the mechanism;
  !> consistent(j) = 1, -1 or 0.
  subroutine consistency_count(sdr, polarity, takeoff_deg, azimuth_deg, consistent, ngood, nbad)
    real(dp), intent(in) :: sdr(3), polarity(:), takeoff_deg(:), azimuth_deg(:)
    integer, intent(out) :: consistent(:), ngood, nbad
    integer :: j
    real(dp) :: a
    ngood = 0
    nbad = 0
    do j = 1, size(polarity)
      a = p_radiation(sdr(1), sdr(2), sdr(3), takeoff_deg(j), azimuth_deg(j)) * polarity(j)
      if (a > 0.0_dp) then
        consistent(j) = 1
        ngood = ngood + 1
      else if (a < 0.0_dp) then
        consistent(j) = -1
        nbad = nbad + 1
      else
        consistent(j) = 0
      end if
    end do
  end subroutine consistency_count

  !> One polarity set, start to end: design matrix, SVD solution (mode MODE_SEISAN or
  !> MODE_MODERN), moment tensor in (r, t, p) = (up, south, east), eigen step, T and P
  !> axes, the nodal plane from the normal (T + P)/sqrt(2) and the other plane, and the
  !> consistency count against the plane with the angles folded as the system used them.
  !> info: PINV_OK; > 0 SVD not converged; PINV_JACOBI_NOT_CONVERGED (seisan: 50 sweeps);
  !> PINV_EIGEN_FAILED (modern: dsyev did not converge); PINV_LAPACK_ARGUMENT (a LAPACK
  !> argument error, a bug). The outputs are filled in every case.
  subroutine solve_polarities(mode, polarity, takeoff_deg, azimuth_deg, rcond, x, s_raw, s, &
                              tau, rank, mt, eigval, t_axis, p_axis, sdr, sdr_aux, &
                              consistent, ngood, nbad, info)
    integer(ip), intent(in) :: mode
    real(dp), intent(in) :: polarity(:), takeoff_deg(:), azimuth_deg(:), rcond
    real(dp), intent(out) :: x(5), s_raw(5), s(5), tau, mt(3, 3), eigval(3), t_axis(3), p_axis(3)
    real(dp), intent(out) :: sdr(3), sdr_aux(3)
    integer, intent(out) :: rank, consistent(:), ngood, nbad, info
    real(sp), allocatable :: g_sp(:, :)
    real(dp), allocatable :: g_dp(:, :)
    real(sp) :: x_sp(5), s_raw_sp(5), s_sp(5), tau_sp
    real(dp) :: vec(3, 3), nrm(3), slip(3)
    real(dp) :: fold_ain(size(polarity)), fold_az(size(polarity))
    integer :: n, eigen_info
    logical :: converged

    n = size(polarity)
    if (mode == MODE_SEISAN) then
      allocate (g_sp(n, 5))
      call pinv_design_sp(real(polarity, sp), real(takeoff_deg, sp), real(azimuth_deg, sp), g_sp)
      call solve_seisan(g_sp, x_sp, s_raw_sp, s_sp, tau_sp, rank, info)
      x = real(x_sp, dp)
      s_raw = real(s_raw_sp, dp)
      s = real(s_sp, dp)
      tau = real(tau_sp, dp)
      ! the original forms M11 = -M22 - M33 in single precision
      call tensor_from_unknowns(x, real(-x_sp(1) - x_sp(2), dp), mt)
      call jacobi_eigen(mt, eigval, vec, converged)
      if (.not. converged .and. info == PINV_OK) info = PINV_JACOBI_NOT_CONVERGED
    else
      allocate (g_dp(n, 5))
      call pinv_design_dp(polarity, takeoff_deg, azimuth_deg, g_dp)
      call solve_modern(g_dp, rcond, x, s, tau, rank, info)
      if (info < 0) info = PINV_LAPACK_ARGUMENT
      s_raw = s
      call tensor_from_unknowns(x, -x(1) - x(2), mt)
      call symmetric_eigen(mt, eigval, vec, eigen_info)
      if (eigen_info > 0 .and. info == PINV_OK) info = PINV_EIGEN_FAILED
      if (eigen_info < 0) info = PINV_LAPACK_ARGUMENT
    end if
    call sort_descending(eigval, vec)
    t_axis = vec(:, 1)
    p_axis = vec(:, 3)
    nrm = (t_axis + p_axis) / sqrt(2.0_dp)
    slip = (t_axis - p_axis) / sqrt(2.0_dp)
    call plane_from_axes(nrm, slip, sdr)
    ! the original keeps the angles in single precision
    if (mode == MODE_SEISAN) sdr = real(real(sdr, sp), dp)
    call other_plane(sdr, sdr_aux)
    call fold_angles(takeoff_deg, azimuth_deg, fold_ain, fold_az)
    call consistency_count(sdr, polarity, fold_ain, fold_az, consistent, ngood, nbad)
  end subroutine solve_polarities

  !> The symmetric tensor of the unknowns x = (M22, M33, M12, M13, M23) and M11.
  pure subroutine tensor_from_unknowns(x, m11, mt)
    real(dp), intent(in) :: x(5), m11
    real(dp), intent(out) :: mt(3, 3)
    mt(1, 1) = m11
    mt(2, 2) = x(1)
    mt(3, 3) = x(2)
    mt(1, 2) = x(3)
    mt(2, 1) = x(3)
    mt(1, 3) = x(4)
    mt(3, 1) = x(4)
    mt(2, 3) = x(5)
    mt(3, 2) = x(5)
  end subroutine tensor_from_unknowns

  !> Take-off angles above 90 deg folded as the original folds them (180 - take-off,
  !> azimuth + 180, kept <= 360).
  pure subroutine fold_angles(takeoff_deg, azimuth_deg, fold_ain, fold_az)
    real(dp), intent(in) :: takeoff_deg(:), azimuth_deg(:)
    real(dp), intent(out) :: fold_ain(:), fold_az(:)
    integer :: j
    do j = 1, size(takeoff_deg)
      fold_ain(j) = takeoff_deg(j)
      fold_az(j) = azimuth_deg(j)
      if (fold_ain(j) > 90.0_dp) then
        fold_ain(j) = 180.0_dp - fold_ain(j)
        fold_az(j) = fold_az(j) + 180.0_dp
        if (fold_az(j) > 360.0_dp) fold_az(j) = fold_az(j) - 360.0_dp
      end if
    end do
  end subroutine fold_angles

  !> LAPACK dsyev eigen-decomposition of a symmetric 3x3 matrix (ascending values,
  !> eigenvectors in the columns); info is dsyev's.
  subroutine symmetric_eigen(a, w, z, info)
    real(dp), intent(in) :: a(3, 3)
    real(dp), intent(out) :: w(3), z(3, 3)
    integer, intent(out) :: info
    real(dp) :: work(64)
    external :: dsyev
    z = a
    call dsyev('V', 'U', 3, z, 3, w, work, 64, info)
  end subroutine symmetric_eigen

end module pinv
